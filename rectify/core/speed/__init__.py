"""Shortcuts around a library's internals, kept where the bench shows they pay."""
