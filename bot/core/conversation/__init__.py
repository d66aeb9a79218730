"""The conversation: neutral events in (a message, a button press, a form submitted), neutral
replies out. `Conversation.handle` decides everything a person sees and may do; adapters only
translate platform payloads into these events and render the replies."""
