"""Exchange formats of other systems (DHIS2's dataValueSets), framework-free."""
