"""Enterprise models, one module per part: the registry (enterprises, qualifications, list entries),
letters, and list imports."""
from .enterprises import Enterprise, EntityType, ListEntry, Qualification
from .imports import ImportJob
from .letters import LETTER_EXTENSIONS, LETTER_MAX_BYTES, Letter, LetterBatch, validate_docx_template, validate_scan

__all__ = [
    "LETTER_EXTENSIONS", "LETTER_MAX_BYTES", "Enterprise", "EntityType", "ImportJob", "Letter", "LetterBatch",
    "ListEntry", "Qualification", "validate_docx_template", "validate_scan",
]
