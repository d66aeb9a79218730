"""Learning from use: question-bank entries suggested by what people chose, reviewed by the
policy's owner, and taken into the search once approved (without a restart)."""
