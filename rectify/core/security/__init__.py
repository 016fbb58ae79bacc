"""Keys, field encryption, input and upload validation, the guarded spreadsheet reader."""
