"""The map: Web Mercator view, GSHHS land with level of detail by zoom, ships as one scatter item."""
