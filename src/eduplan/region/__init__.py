"""City and province views: counties side by side, a region's own values, targets broken down to counties, maps.

Pure computation on Polars frames and dataclasses (no Django). A region's indicator is the engine's ratio of the
summed terms of all its counties, never an average of county rates; every county row carries its completeness,
and a region row says how many of its counties it covers with complete data.
"""
