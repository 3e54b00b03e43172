"""Feeds turn outside sources (AIS NMEA and CSV files, live UDP/TCP, the demo simulator) into domain observations."""
