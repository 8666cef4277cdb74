"""A page's foreign-key references read in one query, for its own page to show."""


def read_references(page, references: tuple[str, ...], *fields: str) -> None:
    """Put the rows `page` names by `references` (its own type's foreign keys) on it, read with
    select_related in one query, `fields` narrowing what is read of them. A preview keeps those
    the editor changed (read as the page asks for them). Nothing is read when the router brought
    them already (the model's `routing_select_related`)."""
    cached = page._state.fields_cache
    if all(name in cached for name in references):
        return
    row = (
        type(page)
        .objects.filter(pk=page.pk)
        .select_related(*references)
        .only(*references, *fields)
        .first()
    )
    if row is None:
        return
    for name in references:
        if getattr(row, f"{name}_id") == getattr(page, f"{name}_id"):
            setattr(page, name, getattr(row, name))
