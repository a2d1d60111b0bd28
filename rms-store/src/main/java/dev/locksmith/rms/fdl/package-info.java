/**
 * The VMS File Definition Language: {@link dev.locksmith.rms.fdl.FdlParser#parse(String)} turns
 * FDL text into a {@link dev.locksmith.rms.FileDefinition} (the class comment lists the sections
 * and attributes it accepts), and {@link dev.locksmith.rms.fdl.FdlWriter#write(dev.locksmith.rms.FileDefinition)}
 * writes one back.
 */
package dev.locksmith.rms.fdl;
