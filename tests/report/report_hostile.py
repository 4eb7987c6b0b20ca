"""Agent ids and names that must stay text: HTML, paths, non-Latin script, a reserved Windows file name."""

HOSTILE = (
    ("<script>alert('id')</script>", 'Eve "<img src=x onerror=alert(1)>"'),
    ("../../etc/passwd", "Ann & Co"),
    ("李娜", "李娜"),
    ("CON", "Reserved Name"),
)
