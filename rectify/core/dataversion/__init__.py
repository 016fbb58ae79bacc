"""Counts and choices remembered until the change log says the records changed."""
