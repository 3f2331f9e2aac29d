"""Management reports: HTML, PDF and XLSX from the metrics cube."""
