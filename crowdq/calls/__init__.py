"""Calls for questions: sponsored topics with dates, vote budgets and frozen results."""
