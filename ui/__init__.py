"""The Qt user interface: map, fleet table and timeline over the roles of an ``app.console.Console``.

This is the only package where widgets live. It talks to the app layer through those roles (the fleet
view, the alert and zone desks, the logbook, imports and reports), each panel taking only the ones it
needs, never to the store or SQL. Nothing here creates a widget, an application or reads a file at import
time; ``ui.gui.launch`` is the entry point.
"""
