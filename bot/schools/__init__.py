"""Schools: the directory, SRO presence from schedules, and the import of a schools file."""
