// Writes this job's project before its build: setup.md's project (src/it/user-project, as the page shows
// it) with the JUnit BOM and jqwik versions changed to the newest ones docs/pom.xml names (newestJunit,
// newestJqwik, from the invoker's scriptVariables). Each change must replace exactly one version, so a
// page's pom that no longer names them fails here instead of testing the old versions unnoticed.
import java.nio.file.Files
import java.nio.file.StandardCopyOption

def page = new File(docsDir.toString(), 'src/it/user-project')
def pom = new File(page, 'pom.xml').text

def replaceOnce = { String text, String pattern, String version, String what ->
    def matcher = text =~ pattern
    assert matcher.count == 1 : "the user-project pom should name ${what} once, found ${matcher.count}: ${pattern}"
    matcher.replaceFirst('$1' + version + '$2')
}
pom = replaceOnce(pom, '(?s)(<artifactId>junit-bom</artifactId>\\s*<version>)[^<]+(</version>)', newestJunit, 'the JUnit BOM')
pom = replaceOnce(pom, '(?s)(<artifactId>jqwik</artifactId>\\s*<version>)[^<]+(</version>)', newestJqwik, 'jqwik')
new File(basedir, 'pom.xml').text = pom

def src = page.toPath().resolve('src')
Files.walk(src).filter { Files.isRegularFile(it) }.forEach { file ->
    def target = basedir.toPath().resolve('src').resolve(src.relativize(file).toString())
    Files.createDirectories(target.parent)
    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING)
}
true
