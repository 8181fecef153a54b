"""Neighbourhood sessions and questions entered on behalf of people who do not use the site."""
