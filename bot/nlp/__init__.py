"""The project's own NLP assets: the spaCy pipeline Rasa's SpacyNLP loads."""
