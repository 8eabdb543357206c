"""The social map: organisations that help victims return and re-integrate (seed Bijlagen 11–14).

`importer` turns the seed text into `data/organisations.json` (run once); `search` filters the shipped data;
`edits` records coordinators' corrections and applies them on top of the shipped data.
"""
