"""Models of this part of the domain."""
