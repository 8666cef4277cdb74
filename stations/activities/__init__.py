"""Volunteer activities: their pages, the sign-up rules and views, the listing, calendars, the
managers' sign-ups admin and the activities' JSON-LD."""
