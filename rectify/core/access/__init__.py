"""Who may see and do what: roles, the row scope, the public URLs, who reads history."""
