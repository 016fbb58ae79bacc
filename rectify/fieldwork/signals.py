"""What field work announces to the apps above it, which it may not import (targeting checks the
test reports and screens the export checks recorded here).

Each signal is sent by the service that writes the fact, inside its transaction and after the
write; receivers defer their work to the commit. A change of an enterprise's risk inputs is
announced with `rectify.enterprises.signals.risk_inputs_changed`."""
from __future__ import annotations

from django.dispatch import Signal

# A sample was recorded or edited with both its test report number and its testing institution.
# Arguments: `sample`, `actor` (the acting user).
sample_reported = Signal()

# An export check was recorded or edited. Arguments: `check`, `actor` (the acting user).
export_check_recorded = Signal()
