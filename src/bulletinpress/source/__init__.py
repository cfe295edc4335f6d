"""Reading what the editor wrote: issue files with positions, their schema, project settings,
and where layouts and styles come from (with the layout manifest's schema)."""
