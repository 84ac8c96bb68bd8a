"""Serving trained seq2seq models (chatbot, translator) as MLflow pyfunc models."""
