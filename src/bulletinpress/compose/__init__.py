"""From a validated issue to HTML: the template context, inline markup, Chinese typesetting
spans and the Jinja2 rendering of the layout."""
