"""Volunteers: the registration form page, its submission rules and default fields, the
notifications and the managers' registrations admin."""
