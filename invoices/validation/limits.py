"""Resource limits. Every bound an attacker could push against is here, in bytes or counts."""

from __future__ import annotations

MiB = 1024 * 1024

# One deposited file (PDF, XML). Chorus Pro caps attachments at 10 MB and a deposit at 120 MB;
# 20 MiB leaves room for image-heavy Factur-X PDFs.
MAX_DOCUMENT_BYTES = 20 * MiB

# The XML embedded in a Factur-X PDF, once decompressed. A Flate stream is ~1000:1 on zeros,
# so a 20 MiB PDF could otherwise expand to 20 GiB ("PDF bomb").
MAX_EMBEDDED_XML_BYTES = 10 * MiB
# Any other stream pypdf decompresses for us (object streams, XMP, content streams).
MAX_PDF_STREAM_BYTES = 20 * MiB
MAX_XMP_BYTES = 2 * MiB
MAX_PDF_ATTACHMENTS = 50  # files listed in /EmbeddedFiles and /AF
MAX_NAME_TREE_NODES = 500  # nodes visited in the /EmbeddedFiles name tree

# Text hints read from plain PDFs (read_pdf_text_hints).
MAX_TEXT_PAGES = 5
MAX_TEXT_CHARS = 200_000

# Invoice lines (BG-25) of one invoice. The XML itself parses in little memory, but the EN 16931
# rules (schematron, Saxon) hold a tree of every line: about 47 KB a line, 942 MB for 20,000
# lines in one web worker. 2,000 lines keep a check under ~100 MB; longer invoices are split or
# summarised (Chorus Pro's own form takes far fewer). Announced on the upload page and the API guide.
MAX_INVOICE_LINES = 2000

# One file sent through the API (deposer/flux, deposer/pdf, ajouter/fichier), decoded. The JSON
# body carries it in base64 and is held in memory by the web worker (body, parsed text, decoded
# bytes: about 4x), so the API takes what one document may weigh, not a whole 120 MB deposit:
# a deposit's 120 MB (invoice + attachments, Chorus Pro rule) is reached over several calls, each
# attachment being added by ajouter/fichier. Larger batches go through the portal's upload page,
# which streams files to disk. Announced in the API guide, the OpenAPI schema and the errors.
MAX_API_FILE_BYTES = MAX_DOCUMENT_BYTES

# Batches (split_batch). Sizes are checked from the archive headers BEFORE anything is
# decompressed, then enforced again while reading (headers can lie).
MAX_BATCH_BYTES = 120 * MiB  # the archive itself (Chorus Pro: 120 MB per deposit)
MAX_BATCH_ENTRIES = 500
MAX_BATCH_UNCOMPRESSED_BYTES = 120 * MiB
MAX_BATCH_RATIO = 1000  # deflate tops out near 1032:1: only filler data (a bomb) gets there
