"""Manager answers saved as guidance: attached to clauses, shown to later askers of similar questions."""
