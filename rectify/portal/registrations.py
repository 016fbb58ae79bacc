"""The portal registers no model: its internal pages would sit under the public prefix /public/.
Notices are kept in the prices app (menu "service")."""

from . import labels  # noqa: F401  (the app's events in words, for the history tab)
