"""A region's settings: its ЦПЭ as the documents name it and the rules its regional acts set."""
