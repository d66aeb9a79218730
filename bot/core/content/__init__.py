"""What people see, built once in core as rendering-free cards; adapters only render them.

`model` holds the card vocabulary (paragraphs, quotes, facts, choices, buttons); the other
modules build the cards for answers, items (queries, reports), help and the home overview.
"""
