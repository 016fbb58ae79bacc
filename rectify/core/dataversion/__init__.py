"""The data version, and the figures (list counts, filter choices...) remembered under it until the
change log says the records changed."""
