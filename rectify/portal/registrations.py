"""The portal registers no model: its internal pages would sit under the public prefix /public/.
Notices are kept in the prices app (menu "service")."""
