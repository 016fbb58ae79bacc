"""The tests of docs/security.md: "Item N" in a module's docstring is that document's section N."""
