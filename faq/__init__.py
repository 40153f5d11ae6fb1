"""The ground floor of sro-bot: text normalization, the knowledge base, the labelled corpus and the
learned models. Imports nothing else of this project."""
