"""Applications as participants see them: filing, reading for pages and the API, the client's
own list, the questionnaire, remarks, scoring, documents, and complaints."""
