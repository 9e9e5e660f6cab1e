// Compiles (never runs) each Groovy file given: prints "ok <file>" or "error <file>: <message>",
// so one JVM start checks several files.
args.each { name ->
    try {
        new GroovyShell().parse(new File(name))
        println "ok ${name}"
    } catch (org.codehaus.groovy.control.CompilationFailedException e) {
        println "error ${name}: ${e.message.readLines().join(' ')}"
    }
}
