"""Customer-feedback understanding: Indonesian text normalisation, language, intent, sentiment, themes."""
