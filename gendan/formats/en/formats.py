"""English formats for Gendan's tables: short month names, 24-hour times, grouped thousands."""

DATE_FORMAT = "N j, Y"
SHORT_DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATETIME_FORMAT = "M j, Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "F j"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
