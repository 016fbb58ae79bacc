"""Workflows declared once (see declare.py): read by the services (engine.perform), the record
pages (views.py), the API (api.py), the work desk (desk.py) and the notices (notices.py)."""
