"""What the enterprise registry announces to the apps above it, which it may not import.

Each signal is sent by the service that writes the fact, inside its transaction and after the
write, on the single and the bulk paths alike (an import, a `bulk_create`, an `update()` sends no
model signal, so nothing above may rely on those). Receivers defer their work to the commit."""
from __future__ import annotations

from django.dispatch import Signal

# What an enterprise's risk is computed from changed: the enterprise itself, its qualifications,
# or, sent by the apps that own them, its complaints, samples, inspection outcomes and export
# checks. Argument: `enterprise_ids`, an iterable of ids (None entries are ignored). Send the ids
# of a whole import at once; the receiver merges every id of a transaction into one recompute.
risk_inputs_changed = Signal()
