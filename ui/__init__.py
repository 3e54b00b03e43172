"""The Qt user interface: map, fleet table and timeline over a ``FleetSource``.

This is the only package where widgets live. It talks to the app layer through the ``FleetSource``
protocol (``ui.fleet_source``), never to the store or SQL. Nothing here creates a widget, an application
or reads a file at import time; ``ui.gui.launch`` is the entry point.
"""
