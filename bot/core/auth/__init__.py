"""Who may see and who may do what: every permission rule of the assistant, in one place."""
