// What OmegaT's glossary pane would show for each segment of a project, as a file.
//
// Run by OmegaT itself (console mode, --script=...) with the project loaded. In
// console mode OmegaT creates no GlossaryManager (it belongs to the GUI), so this
// script makes one and drives it as the GUI does: OmegaT's own loader reads each
// file of the project's glossary/ folder (by suffix: .txt/.utf8/.tab as
// tab-separated, .csv, .tbx), and OmegaT's own search (FindGlossaryThread, the
// code behind the Glossary pane: tokenizer, CJK substring match, merging) finds
// the entries of each segment. The only stand-ins are the pane (allocated without
// its Swing constructor, so the search's "has the user moved on?" check passes)
// and the directory monitor (the folder is listed here instead).
//
// Writes glossary-seen.tsv (UTF-8) beside omegat.project:
//   loaded <TAB> file <TAB> entries      for each glossary file OmegaT read
//   failed <TAB> file <TAB> error        for each it could not read
//   segment <TAB> text                   for each segment of the project
//   match <TAB> segment <TAB> source term <TAB> target term <TAB> comment
import org.omegat.core.Core
import org.omegat.gui.glossary.FindGlossaryThread
import org.omegat.gui.glossary.GlossaryManager
import org.omegat.gui.glossary.GlossaryTextArea

// The script runs on every project event; the project is loaded at the first.
if (eventType.toString() != "LOAD") return

def props = Core.getProject().getProjectProperties()
def out = new File(props.getProjectRoot(), "glossary-seen.tsv")
def write = { List fields -> out.append(fields.join("\t") + "\n", "UTF-8") }

def manager = new GlossaryManager(null)
manager.priorityGlossary = new File(props.getWriteableGlossary())
new File(props.getGlossaryRoot()).listFiles().sort().each { file ->
    try {
        def entries = manager.loadGlossaryFile(file)
        write(["loaded", file.getName(), entries == null ? -1 : entries.size()])
        if (entries != null) manager.glossaries.put(file.getPath(), entries)
    } catch (Throwable error) {
        write(["failed", file.getName(), error.toString().replaceAll("\\s+", " ")])
    }
}

def unsafe = sun.misc.Unsafe.getDeclaredField("theUnsafe")
unsafe.setAccessible(true)
def pane = unsafe.get(null).allocateInstance(GlossaryTextArea)
Core.getProject().getAllEntries().each { entry ->
    pane.currentlyProcessedEntry = entry
    write(["segment", entry.getSrcText()])
    new FindGlossaryThread(pane, entry, manager).search().each { found ->
        def targets = found.getLocTerms(false)
        def comments = found.getComments()
        targets.eachWithIndex { target, i ->
            write(["match", entry.getSrcText(), found.getSrcText(), target, comments[i]])
        }
    }
}
