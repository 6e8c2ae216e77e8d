import{c as r,s as e}from"./flowDiagram-HODETNUW-DGJoXXn1.js";import{_ as a}from"./mermaid.core-7ZjXV3r9.js";import"./chunk-5VM5RSS4-CoXbAaXp.js";import"./chunk-XXDRQBXY-CqNGpdFh.js";import"./chunk-POPQ4Y6H-CgtQ-_lE.js";import"./chunk-F27PBJKO-DUYg8vmZ.js";import"./index-D1fhUwdg.js";import"./channel-ABEvrfL9.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
