"""Questionnaires, campaigns and responses (see the questionnaire and answer issues)."""
