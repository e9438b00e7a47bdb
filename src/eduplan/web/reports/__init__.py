"""The shell of the reports: their inputs from the pages' functions, the Word/PDF download of the plan page."""
