"""The weekly report: data from the marts, SVG charts, HTML and PDF in Bahasa Indonesia or English, delivery."""
