"""Sales reports of the monitoring cycle (steps 14 and 15): recorded as they are filed
(``recording``) and summed per application, region and marketplace (``totals``)."""
