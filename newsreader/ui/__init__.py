"""The Textual UI: the only part of newsreader that imports textual."""
