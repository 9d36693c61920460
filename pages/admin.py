"""Ledger administration (Secretariat): template and ledger downloads; upload -> dry run -> confirmed import.

The import itself is ipmd.ledger.store.import_ledger, the same code as `python -m ipmd.ledger import`:
it checks everything (the file's type and size included) before writing, swaps in a new database file
atomically, keeps a dated backup, and changes nothing when anything is wrong. Uploaded files are only read as
data by that core (never executed, never passed to SQL except as bound values). Sessions pick up the new
database by themselves (components/data.py notices the file changed), so no cache needs clearing here.
Sections: components/views/admin.py.
"""
import streamlit as st

from components.access import import_access
from components.shell import require_app
from components.state import tr
from components.views import admin as view
from ipmd.access import IMPORT_COMMAND

require_app()                          # a cold deep link to /admin still goes through app.py (components/shell.py)
importer = import_access()             # a signed-in Secretariat member; anyone else: template and dry run only
if st.session_state.pop("admin_import_refused", False):
    st.error(tr("access.import.refused", command=IMPORT_COMMAND), icon=":material/block:")

st.title(tr("admin.title"))
st.caption(tr("admin.intro"))
if importer is not None:
    view.current_ledger()
generation = st.session_state.get("admin_upload_generation", 0)      # bumped after an import: clears the box
last = view.last_import_news(generation)
view.downloads(signed_in=importer is not None)

files = view.uploader(generation)
if not files:
    st.caption(tr("admin.upload.hint"))
    st.stop()
prepared = view.upload_source(files)
if prepared is None:
    st.stop()
source, filename, digest = prepared
if not view.findings(view.dry_run(source, filename, digest)):
    st.stop()
if importer is None:
    st.caption(tr("access.import.dry_run_only", command=IMPORT_COMMAND))
    st.stop()
view.confirm(source, filename, digest, generation, last)
