// The user project's own checks (both tests ran on Java 25 and passed, the pass summary, 100 jqwik
// tries), then that the tests really ran on the newest JUnit and jqwik: the test class path that
// surefire records in each report names their jars.
evaluate(new File(docsDir.toString(), 'src/it/user-project/verify.groovy'))

def reports = new File(basedir, 'target/surefire-reports')
['com.example.PageViewsTest', 'com.example.PageViewsPropertyTest'].each { name ->
    def suite = new groovy.xml.XmlSlurper().parse(new File(reports, "TEST-${name}.xml"))
    def classPath = suite.properties.property.find { it.@name == 'surefire.test.class.path' }.@value.text()
    ["junit-jupiter-engine-${newestJunit}.jar", "jqwik-engine-${newestJqwik}.jar"].each { jar ->
        assert classPath.contains(jar) : "${name} did not run with ${jar}: ${classPath}"
    }
}
true
